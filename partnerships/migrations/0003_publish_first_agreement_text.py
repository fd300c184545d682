"""Publish version 1 of the agreement text, so the signing portal works right after `migrate`."""

import hashlib

from django.db import migrations

TITLE_VI = "Thỏa thuận hợp tác Hải quan – Doanh nghiệp"
TITLE_EN = "Customs–Business partnership agreement"
BODY_VI = """Căn cứ Luật Hải quan và các văn bản hướng dẫn thi hành, nhằm tăng cường quan hệ đối tác giữa cơ quan Hải quan và cộng đồng doanh nghiệp, hai bên thống nhất ký kết thỏa thuận hợp tác với các nội dung sau.

Điều 1. Trách nhiệm của Cục Hải quan
1. Công khai, minh bạch thủ tục hải quan, chính sách, pháp luật về hải quan; hướng dẫn, giải đáp kịp thời vướng mắc của doanh nghiệp.
2. Tiếp nhận, xử lý phản ánh, kiến nghị của doanh nghiệp đúng thời hạn; thông báo kết quả đánh giá mức độ hài lòng và kết quả xử lý.
3. Tổ chức đối thoại, tập huấn định kỳ về chính sách, pháp luật hải quan cho doanh nghiệp.
4. Bảo mật thông tin do doanh nghiệp cung cấp theo quy định của pháp luật.

Điều 2. Trách nhiệm của doanh nghiệp
1. Chấp hành nghiêm chỉnh pháp luật về hải quan, thuế và các quy định có liên quan.
2. Khai báo hải quan trung thực, chính xác, đầy đủ; cung cấp thông tin, hồ sơ theo yêu cầu của cơ quan Hải quan.
3. Phản ánh kịp thời những hành vi nhũng nhiễu, tiêu cực của cán bộ công chức hải quan; tham gia đánh giá mức độ hài lòng.
4. Thông báo cho cơ quan Hải quan khi thay đổi thông tin đăng ký hoặc người đại diện theo pháp luật.

Điều 3. Hiệu lực
Thỏa thuận có hiệu lực kể từ ngày Cục Hải quan ký xác nhận. Cục Hải quan có thể tạm dừng hoặc chấm dứt thỏa thuận khi doanh nghiệp vi phạm nghiêm trọng pháp luật về hải quan; doanh nghiệp có thể đề nghị chấm dứt thỏa thuận bất cứ lúc nào."""
BODY_EN = """Under the Law on Customs and its implementing regulations, and to strengthen the partnership between the customs authority and the business community, both parties agree as follows.

Article 1. Commitments of the Customs Department
1. Publish customs procedures, policies and laws openly; guide enterprises and answer their questions promptly.
2. Receive and handle enterprises' feedback and requests on time; report the outcome of satisfaction ratings and of the follow-up.
3. Hold regular dialogues and training on customs policy and law for enterprises.
4. Keep the information enterprises provide confidential as the law requires.

Article 2. Commitments of the enterprise
1. Comply strictly with the law on customs, on taxes and related regulations.
2. Declare goods truthfully, accurately and completely; provide information and documents the customs authority requests.
3. Report promptly any harassment or misconduct by customs officials; take part in satisfaction ratings.
4. Inform the customs authority of changes to its registration or legal representative.

Article 3. Validity
The agreement is in force from the day the Customs Department countersigns it. The Customs Department may suspend or terminate it when the enterprise seriously breaches customs law; the enterprise may ask to end it at any time."""


def sha256(version, title_vi, body_vi, title_en, body_en):
    canonical = "\n\x1e\n".join([str(version), title_vi, body_vi, title_en, body_en])
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def publish(apps, schema_editor):
    AgreementTemplate = apps.get_model("partnerships", "AgreementTemplate")
    AgreementNumberSequence = apps.get_model("partnerships", "AgreementNumberSequence")
    AgreementNumberSequence.objects.get_or_create(name="agreement")
    if AgreementTemplate.objects.exists():
        return
    AgreementTemplate.objects.create(
        version=1,
        title_vi=TITLE_VI,
        title_en=TITLE_EN,
        body_vi=BODY_VI,
        body_en=BODY_EN,
        sha256=sha256(1, TITLE_VI, BODY_VI, TITLE_EN, BODY_EN),
        is_current=True,
    )


def unpublish(apps, schema_editor):
    AgreementTemplate = apps.get_model("partnerships", "AgreementTemplate")
    AgreementTemplate.objects.filter(version=1, agreements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_agreements_templates_events")]

    operations = [migrations.RunPython(publish, unpublish)]
