"""Store every email address lower-case, so that sign-in and password reset ignore case.

Refuses (and changes nothing) if two accounts differ only by case: an administrator must merge or remove
one of them first; the error names the database ids, never the addresses.
"""

from collections import defaultdict

from django.db import migrations


def email_collisions(rows):
    """Groups of user ids whose email addresses are the same once lower-cased. `rows`: (id, email)."""
    by_email = defaultdict(list)
    for pk, email in rows:
        by_email[email.strip().lower()].append(pk)
    return sorted(sorted(ids) for ids in by_email.values() if len(ids) > 1)


def lowercase_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    rows = list(User.objects.values_list("pk", "email"))
    collisions = email_collisions(rows)
    if collisions:
        raise RuntimeError(
            "Cannot make email sign-in case-insensitive: these accounts (user ids) have the same email "
            f"address apart from upper/lower case: {collisions}. Merge or remove the duplicates in the "
            "admin, then run migrate again."
        )
    for pk, email in rows:
        if email != email.strip().lower():
            User.objects.filter(pk=pk).update(email=email.strip().lower())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
