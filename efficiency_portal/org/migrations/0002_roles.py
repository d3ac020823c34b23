"""Creates the role groups (org.models.Role) with their model permissions.

Permissions are normally created after all migrations ran; they are created here first so that the groups can
be given them on a fresh database. Other apps add their own permissions to these groups in their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ORG = [
    "view_department",
    "view_staff",
    "view_post",
    "view_awaynotice",
]
OWN_AWAY = ["add_awaynotice", "change_awaynotice"]

ROLE_PERMISSIONS = {
    "clerk": [*VIEW_ORG, *OWN_AWAY],
    "department_head": [*VIEW_ORG, *OWN_AWAY, "add_post", "change_post"],
    "leader": [*VIEW_ORG, *OWN_AWAY],
    "supervisor": [*VIEW_ORG, *OWN_AWAY],
    "administrator": [
        *VIEW_ORG,
        *OWN_AWAY,
        "delete_awaynotice",
        "add_department",
        "change_department",
        "add_staff",
        "change_staff",
        "add_post",
        "change_post",
        "delete_post",
        "view_user",
        "add_user",
        "change_user",
        "view_group",
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            codename__in=codenames, content_type__app_label__in=["org", "accounts", "auth"]
        )
        group.permissions.add(*permissions)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
