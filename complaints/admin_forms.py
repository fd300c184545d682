from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import AnswerTemplate, InquiryStatus
from customs_feedback.organization.models import Branch, Official
from customs_feedback.organization.scoping import for_user


class AssignForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    assignee = forms.ModelChoiceField(label=_("Official"), queryset=Official.objects.none(), required=False)

    class Media:
        js = ["complaints/assign.js"]  # shows only the chosen branch's officials; the form works without it

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = for_user(user, Branch.objects.filter(is_active=True))
        officials = for_user(user, Official.objects.filter(is_active=True).select_related("branch"))
        self.fields["assignee"].queryset = officials
        # Grouped by branch (the script hides the other branches' groups), not 130 names in one list.
        groups: dict[str, list[tuple[int, str]]] = {}
        for official in officials.order_by("branch__code", "full_name"):
            groups.setdefault(f"{official.branch.code} – {official.branch.name}", []).append(
                (official.pk, str(official))
            )
        self.fields["assignee"].choices = [("", "---------"), *groups.items()]

    def clean(self):
        data = super().clean()
        branch, assignee = data.get("branch"), data.get("assignee")
        if branch and assignee and assignee.branch_id != branch.pk:
            self.add_error("assignee", _("Choose an official of the chosen branch."))
        return data


class AnswerForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"), queryset=AnswerTemplate.objects.filter(is_active=True), required=False
    )
    text = forms.CharField(
        label=_("Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=_("Sent to the submitter signed with the name of your unit, not yours."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = for_user(user, AnswerTemplate.objects.filter(is_active=True))


class ResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Mark as"),
        choices=[
            (InquiryStatus.DUPLICATE, InquiryStatus.DUPLICATE.label),
            (InquiryStatus.OUT_OF_SCOPE, InquiryStatus.OUT_OF_SCOPE.label),
        ],
    )
    duplicate_of = forms.CharField(label=_("Duplicate of (tracking code)"), required=False, max_length=20)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 90}), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
        required=False,
        help_text=_("Only staff see notes; the submitter never does."),
    )


class FaqForm(forms.Form):
    question = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 6, "cols": 90}), required=False
    )
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 12, "cols": 90}), required=False)


class StatsForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
