"""The rule table every database starts with; an administrator edits it afterwards."""

from django.db import migrations

# code, name, kind, points, downgrade_to, validity_years
RULES = [
    ("talk_reminder", "谈话提醒", "deduction", -3, "", None),
    ("written_check", "书面检查", "deduction", -5, "", None),
    ("public_criticism_1", "通报批评（一级）", "deduction", -10, "", None),
    ("public_criticism_2", "通报批评（二级）", "deduction", -20, "", None),
    ("public_criticism_3", "通报批评（三级）", "deduction", -30, "", None),
    ("public_criticism_4", "通报批评（四级）", "deduction", -50, "", None),
    ("admonition", "诫勉谈话", "deduction", -30, "", None),
    ("efficiency_caution", "效能告诫", "deduction", -20, "", None),
    ("buck_passing", "推诿扯皮", "deduction", -10, "", None),
    ("kickbacks", "吃拿卡要", "deduction", -20, "", None),
    ("commitment_broken", "违反服务承诺", "deduction", -5, "", None),
    ("red_card_case", "红牌办件", "deduction", -5, "", None),
    ("bad_rating", "差评属实", "deduction", -3, "", None),
    ("transfer", "调离", "downgrade", 0, "C", 3),
    ("dismissal_proposal", "辞退建议", "downgrade", 0, "D", 5),
    ("commendation", "嘉奖", "bonus", 20, "", None),
    ("third_class_merit", "三等功", "bonus", 20, "", None),
    ("second_class_merit", "二等功", "bonus", 40, "", None),
]


def seed(apps, schema_editor):
    CreditRule = apps.get_model("credit", "CreditRule")
    for order, (code, name, kind, points, downgrade_to, years) in enumerate(RULES, start=1):
        CreditRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "points": points,
                "downgrade_to": downgrade_to,
                "validity_years": years,
                "sort_order": order * 10,
                # A transfer or a dismissal applies to a person, not to a department.
                "for_departments": kind != "downgrade",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
