"""After a restore (docs/sauvegardes.md): is the installation whole? One line per check, exit code 1 on
any failure, so that a drill script can stop on it."""

from django.core.management.base import BaseCommand, CommandError

from csc.core import restore_check


class Command(BaseCommand):
    help = (
        "Vérifie une installation restaurée : la base répond, toutes les migrations sont appliquées, "
        "les tables principales ont des lignes, les fichiers déposés sont présents, et un échantillon "
        "des notes chiffrées de l'accompagnement se déchiffre avec les clés configurées."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--echantillon",
            type=int,
            default=restore_check.DEFAULT_SAMPLE,
            help="Lignes lues par contrôle (les plus récentes) ; %(default)s par défaut.",
        )
        parser.add_argument(
            "--tous-les-fichiers",
            action="store_true",
            help="Vérifie la présence de tous les fichiers déposés, pas seulement d'un échantillon.",
        )
        parser.add_argument("--database", default="default", help="L'alias de la base à vérifier.")

    def handle(self, *args, **options):
        if options["echantillon"] < 1:
            raise CommandError("--echantillon doit être un nombre positif.")
        results = restore_check.run(
            restore_check.Options(
                sample=options["echantillon"],
                all_files=options["tous_les_fichiers"],
                database=options["database"],
            )
        )
        for result in results:
            self.stdout.write(result.line())
        failed = [result for result in results if not result.ok]
        if failed:
            raise CommandError(
                f"Restauration incomplète : {len(failed)} contrôle(s) en échec sur {len(results)}."
            )
        self.stdout.write(f"Restauration vérifiée : {len(results)} contrôle(s) réussi(s).")
