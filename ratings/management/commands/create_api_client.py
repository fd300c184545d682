from django.core.management.base import BaseCommand, CommandError

from ratings.models import ApiClient, ApiScope


class Command(BaseCommand):
    help = "Create an API client and print its key once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scopes", required=True, help=f"comma-separated: {', '.join(ApiScope.values)}, e.g. declarations,ratings"
        )

    def handle(self, *args, name: str, scopes: str, **options):
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        unknown = sorted(set(wanted) - set(ApiScope.values))
        if not wanted or unknown:
            raise CommandError(f"unknown scopes {unknown or wanted}; choose from {', '.join(ApiScope.values)}")
        client, key = ApiClient.objects.create_key(name=name[:50], scopes=sorted(set(wanted)))
        self.stderr.write(f"API client {client.name!r} ({client.prefix}) with scopes {', '.join(client.scopes)}.")
        self.stderr.write("Store this key now; it is not shown again. Send it as: Authorization: Api-Key <key>")
        self.stdout.write(key)
