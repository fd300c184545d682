from django.db import migrations

# (code, Vietnamese name, English name, deadline in working days)
CATEGORIES = [
    ("procedures", "Thủ tục hải quan", "Customs procedures", 10),
    ("tariff-classification", "Phân loại hàng hóa, mã HS", "Tariff classification (HS code)", 15),
    ("customs-valuation", "Trị giá hải quan", "Customs valuation", 15),
    ("origin", "Xuất xứ hàng hóa và C/O", "Origin and certificates of origin (C/O)", 10),
    ("duties-taxes", "Thuế, phí và lệ phí", "Duties and taxes", 10),
    ("inspection", "Kiểm tra, giám sát hải quan", "Customs inspection and supervision", 10),
    ("e-customs", "Hệ thống hải quan điện tử (VNACCS/ECUS)", "E-customs systems (VNACCS/ECUS)", 5),
    ("other", "Khác", "Other", 10),
]


def seed(apps, schema_editor):
    category_model = apps.get_model("complaints", "InquiryCategory")
    for order, (code, name_vi, name_en, days) in enumerate(CATEGORIES, start=1):
        category_model.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "deadline_days": days, "order": order}
        )


def unseed(apps, schema_editor):
    category_model = apps.get_model("complaints", "InquiryCategory")
    category_model.objects.filter(code__in=[code for code, *_rest in CATEGORIES], inquiries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_inquiries")]

    operations = [migrations.RunPython(seed, unseed)]
