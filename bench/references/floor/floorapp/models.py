from django.db import models


class Row(models.Model):
    """The one row a request writes: about the width of a rating."""

    number = models.CharField(max_length=12, unique=True)
    tax_code = models.CharField(max_length=14)
    official_score = models.PositiveSmallIntegerField()
    team_score = models.PositiveSmallIntegerField()
    branch_score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "floorapp"

    def __str__(self) -> str:
        return self.number
