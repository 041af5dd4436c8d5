"""Demo help sheets of the kiosk: plain-language sheets for the most asked procedures, written for the
demo centres (check them against the official sites before relying on them)."""

# The same reminder ends every sheet: the kiosk is a shared computer.
_REMINDER = (
    "**À ne pas oublier** : tapez vous-même votre mot de passe et ne le donnez jamais à personne, "
    "même à quelqu'un qui vous aide. Si l'ordinateur propose « Enregistrer le mot de passe », "
    "cliquez sur « Jamais » ou « Non ». À la fin, cliquez sur **« Se déconnecter »**. "
    "Vous êtes bloqué ? L'accueil du centre social peut vous aider."
)

HELP_SHEETS = [
    {
        "procedure": "caf",
        "title": "Faire sa déclaration trimestrielle de ressources à la CAF (RSA, prime d'activité)",
        "summary": (
            "Tous les trois mois, vous dites à la CAF (Caisse d'allocations familiales) combien vous avez "
            "gagné. C'est obligatoire pour continuer à recevoir le RSA ou la prime d'activité."
        ),
        "to_bring": (
            "- Vos **fiches de paie** des trois derniers mois. Le « montant net social » est écrit en bas "
            "de la fiche.\n"
            "- Les autres sommes reçues pendant ces trois mois : allocations chômage, indemnités d'arrêt "
            "maladie, pension de retraite ou d'invalidité, pension alimentaire.\n"
            "- Les mêmes papiers pour votre conjoint ou les personnes qui vivent avec vous, si elles ont "
            "des revenus.\n"
            "- Un courrier de la CAF : votre numéro allocataire est écrit dessus."
        ),
        "identifiers": (
            "- Votre **numéro allocataire** (sur les courriers de la CAF) ou votre numéro de sécurité "
            "sociale.\n"
            "- Votre **mot de passe** de la CAF. Vous l'avez oublié ? Cliquez sur « Mot de passe oublié » "
            "et suivez les indications.\n"
            "- Ou bien : **FranceConnect** (voir la fiche « Se connecter avec FranceConnect »)."
        ),
        "steps": (
            "1. Ouvrez le site [caf.fr](https://www.caf.fr) et cliquez sur **« Mon Compte »**.\n"
            "2. Tapez votre numéro allocataire et votre mot de passe, puis validez.\n"
            "3. Quand la déclaration est à faire, elle apparaît sur la page d'accueil de votre compte. "
            "Cliquez dessus.\n"
            "4. Pour chaque mois et pour chaque personne, écrivez les sommes reçues. Certains montants "
            "sont parfois déjà remplis : vérifiez-les avec vos fiches de paie.\n"
            "5. Si une personne n'a rien reçu un mois, écrivez **0**.\n"
            "6. Relisez le résumé. Si tout est juste, validez la déclaration.\n"
            "7. Notez la date, ou demandez à l'accueil d'imprimer la confirmation.\n"
            "8. Cliquez sur **« Se déconnecter »**.\n"
            "\n"
            "**Bon à savoir** : si vous ne faites pas la déclaration à temps, le paiement peut être "
            "retardé ou arrêté. Si vous n'êtes pas sûr d'une somme, demandez avant de valider.\n"
            "\n" + _REMINDER
        ),
    },
    {
        "procedure": "ameli",
        "title": "Créer son compte ameli et télécharger une attestation de droits",
        "summary": (
            "Le compte ameli est votre espace en ligne de l'Assurance Maladie. Il permet, par exemple, "
            "d'obtenir tout de suite une attestation de droits à la Sécurité sociale."
        ),
        "to_bring": (
            "- Votre **carte Vitale** : votre numéro de sécurité sociale est écrit dessus (13 chiffres, "
            "puis une clé de 2 chiffres).\n"
            "- Une **adresse e-mail** que vous savez ouvrir, et si possible votre téléphone portable.\n"
            "- Pour créer le compte : le **code provisoire** reçu par courrier, si vous l'avez déjà "
            "demandé.\n"
            "- Votre RIB (relevé d'identité bancaire) peut aussi servir à créer le compte tout de suite."
        ),
        "identifiers": (
            "- **Pour créer le compte** : votre numéro de sécurité sociale, votre date de naissance, votre "
            "code postal, puis le code provisoire reçu par courrier (ou une autre solution proposée par "
            "le site, comme FranceConnect).\n"
            "- **Ensuite, pour vous connecter** : votre numéro de sécurité sociale et le mot de passe que "
            "vous avez choisi."
        ),
        "steps": (
            "1. Ouvrez le site [ameli.fr](https://www.ameli.fr) et cliquez sur **« Compte ameli »**.\n"
            "2. Pas encore de compte ? Cliquez sur **« Créer mon compte »**. Tapez votre numéro de "
            "sécurité sociale, votre date de naissance et votre code postal.\n"
            "3. Choisissez une façon de prouver qui vous êtes. Si vous choisissez le courrier, vous "
            "recevez chez vous un **code provisoire**. Revenez avec ce courrier pour finir.\n"
            "4. Tapez le code provisoire, puis choisissez votre mot de passe et donnez votre adresse "
            "e-mail. Notez votre mot de passe dans un endroit sûr, chez vous.\n"
            "5. Une fois connecté, cliquez sur **« Mes démarches »**, puis sur l'attestation de droits.\n"
            "6. Choisissez la personne (vous ou un enfant sur votre carte Vitale).\n"
            "7. Téléchargez l'attestation, ou faites-la envoyer sur votre e-mail. L'accueil peut "
            "l'imprimer.\n"
            "8. Cliquez sur **« Se déconnecter »**.\n"
            "\n"
            "**Bon à savoir** : l'attestation de droits remplace la carte Vitale si vous l'avez perdue "
            "ou oubliée, par exemple chez le médecin ou à la pharmacie.\n"
            "\n" + _REMINDER
        ),
    },
    {
        "procedure": "ants",
        "title": "Faire une pré-demande de carte d'identité ou de passeport",
        "summary": (
            "Vous remplissez le formulaire en ligne sur le site de l'ANTS (Agence nationale des titres "
            "sécurisés), puis vous allez en mairie avec vos papiers, sur rendez-vous."
        ),
        "to_bring": (
            "- Une **adresse e-mail** que vous savez ouvrir.\n"
            "- Votre ancienne carte d'identité ou votre ancien passeport, si vous en avez un.\n"
            "- Pour le rendez-vous en mairie : une **photo d'identité** récente (moins de 6 mois), un "
            "**justificatif de domicile** récent (facture, avis d'imposition…), et le numéro de "
            "pré-demande.\n"
            "- Pour un passeport : le **timbre fiscal**, à acheter en ligne ou chez un buraliste.\n"
            "- Si vous avez perdu votre carte ou si on vous l'a volée : la déclaration de perte ou de "
            "vol."
        ),
        "identifiers": (
            "- Un **compte ANTS** (vous pouvez le créer sur le site, avec votre adresse e-mail et un mot "
            "de passe).\n"
            "- Ou bien : **FranceConnect**, avec votre compte ameli ou impots.gouv.fr (voir la fiche "
            "« Se connecter avec FranceConnect »)."
        ),
        "steps": (
            "1. Ouvrez le site [ants.gouv.fr](https://ants.gouv.fr). Cliquez sur la rubrique carte "
            "d'identité et passeport.\n"
            "2. Connectez-vous avec votre compte ANTS ou avec FranceConnect.\n"
            "3. Choisissez **« Faire une pré-demande »**, puis carte d'identité ou passeport.\n"
            "4. Remplissez le formulaire : état civil, adresse, taille, couleur des yeux, parents. "
            "Recopiez les noms comme sur votre acte de naissance.\n"
            "5. Pour un passeport, tapez le numéro de votre timbre fiscal (ou ajoutez-le plus tard).\n"
            "6. À la fin, notez le **numéro de pré-demande**. Vous le recevez aussi par e-mail. "
            "L'accueil peut imprimer le récapitulatif.\n"
            "7. Prenez **rendez-vous dans une mairie équipée** pour les cartes d'identité et passeports. "
            "Ce n'est pas forcément la mairie de votre commune.\n"
            "8. Le jour du rendez-vous, apportez vos papiers. La mairie prend vos empreintes.\n"
            "9. Quand le titre est prêt, vous recevez un message. Allez le chercher dans la même "
            "mairie.\n"
            "\n"
            "**Bon à savoir** : la carte d'identité est gratuite, sauf si vous avez perdu l'ancienne ou "
            "si on vous l'a volée. Le passeport est payant (timbre fiscal). Méfiez-vous des sites qui "
            "font payer la pré-demande : elle est gratuite sur le site officiel.\n"
            "\n" + _REMINDER
        ),
    },
    {
        "procedure": "france-travail",
        "title": "S'actualiser chaque mois sur France Travail (ex-Pôle emploi)",
        "summary": (
            "Chaque mois, vous dites à France Travail (l'ancien Pôle emploi) si vous cherchez toujours "
            "un emploi et si vous avez travaillé. Sans cela, vos allocations peuvent s'arrêter."
        ),
        "to_bring": (
            "- Vos **fiches de paie** du mois, si vous avez travaillé : il faut le nombre d'heures et le "
            "salaire brut.\n"
            "- Si vous avez été malade, en formation ou en stage ce mois-ci : les dates.\n"
            "- Un courrier de France Travail : votre identifiant est écrit dessus."
        ),
        "identifiers": (
            "- Votre **identifiant France Travail** : 7 chiffres et 1 lettre ou 1 chiffre, sur vos "
            "courriers.\n"
            "- Votre **mot de passe**. Vous l'avez oublié ? Cliquez sur « Mot de passe oublié » et "
            "suivez les indications.\n"
            "- Votre code postal peut aussi être demandé."
        ),
        "steps": (
            "1. Ouvrez le site [francetravail.fr](https://www.francetravail.fr) et cliquez sur "
            "**« Se connecter »**, puis choisissez l'espace **Candidat**.\n"
            "2. Tapez votre identifiant, puis votre mot de passe.\n"
            "3. Cliquez sur **« M'actualiser »**. Vous pouvez le faire à la fin de chaque mois, pendant "
            "la période indiquée sur le site.\n"
            "4. Répondez aux questions : avez-vous travaillé ? Combien d'heures ? Quel salaire brut ? "
            "Avez-vous été malade, en formation ?\n"
            "5. Dites si vous cherchez toujours un emploi.\n"
            "6. Relisez vos réponses, puis validez.\n"
            "7. Notez la date, ou demandez à l'accueil d'imprimer la confirmation.\n"
            "8. Si vous avez travaillé, envoyez vos fiches de paie dans votre espace, si le site vous le "
            "demande.\n"
            "9. Cliquez sur **« Se déconnecter »**.\n"
            "\n"
            "**Bon à savoir** : même si vous n'avez pas travaillé du tout, il faut vous actualiser. Si "
            "vous oubliez, vos allocations peuvent être suspendues et vous pouvez perdre votre "
            "inscription.\n"
            "\n" + _REMINDER
        ),
    },
    {
        "procedure": "impots",
        "title": "Déclarer ses revenus en ligne sur impots.gouv.fr",
        "summary": (
            "Une fois par an, au printemps, vous déclarez vos revenus de l'année passée. Les montants "
            "connus sont déjà remplis : vous les vérifiez et vous signez en ligne."
        ),
        "to_bring": (
            "- Votre dernier **avis d'impôt** (le papier envoyé par les impôts chaque été).\n"
            "- Votre dernière **déclaration de revenus**, si vous l'avez.\n"
            "- Les papiers de l'année passée : fiches de paie de décembre ou attestations de salaire, "
            "relevés de retraite, de chômage, d'indemnités maladie.\n"
            "- Si besoin : reçus de dons, frais de garde d'enfant, pension alimentaire versée, aide à "
            "domicile."
        ),
        "identifiers": (
            "- Votre **numéro fiscal** : 13 chiffres, en haut de la première page de votre avis "
            "d'impôt.\n"
            "- Votre **mot de passe** du site des impôts.\n"
            "- **Première connexion** : il faut aussi votre **numéro d'accès en ligne** (7 chiffres, sur "
            "votre dernière déclaration) et votre **revenu fiscal de référence** (sur votre dernier "
            "avis d'impôt), et une adresse e-mail.\n"
            "- Ou bien : **FranceConnect** (voir la fiche « Se connecter avec FranceConnect »)."
        ),
        "steps": (
            "1. Ouvrez le site [impots.gouv.fr](https://www.impots.gouv.fr) et cliquez sur "
            "**« Votre espace particulier »**.\n"
            "2. Tapez votre numéro fiscal. La première fois, suivez les indications pour créer votre "
            "espace et choisir un mot de passe.\n"
            "3. Tapez votre mot de passe et connectez-vous.\n"
            "4. Cliquez sur **« Déclarer mes revenus »** (le bouton apparaît au moment de la "
            "déclaration, au printemps).\n"
            "5. Vérifiez votre situation : adresse, mariage ou PACS, enfants à charge.\n"
            "6. Vérifiez les montants déjà remplis (salaires, retraites, chômage) avec vos papiers. "
            "Corrigez ou ajoutez ce qui manque.\n"
            "7. Regardez le résumé, puis cliquez sur **« Signer »** pour envoyer la déclaration.\n"
            "8. Un accusé de réception s'affiche et arrive par e-mail. Gardez-le.\n"
            "9. Cliquez sur **« Se déconnecter »**.\n"
            "\n"
            "**Bon à savoir** : déclarez même si vous avez peu ou pas de revenus. L'avis d'impôt sert "
            "pour beaucoup d'aides (CAF, logement social…). Les dates limites changent selon les "
            "départements : elles sont écrites sur le site.\n"
            "\n" + _REMINDER
        ),
    },
    {
        "procedure": "assurance-retraite",
        "title": "Télécharger une attestation de paiement de sa retraite ou son relevé de carrière",
        "summary": (
            "Sur votre espace de l'Assurance retraite, vous pouvez télécharger une attestation de "
            "paiement de votre retraite, ou voir votre relevé de carrière (vos années de travail)."
        ),
        "to_bring": (
            "- Votre **carte Vitale** : votre numéro de sécurité sociale est écrit dessus.\n"
            "- Une **adresse e-mail** que vous savez ouvrir.\n"
            "- Un courrier de l'Assurance retraite, si vous en avez un.\n"
            "- Pour vérifier votre relevé de carrière : vos anciens contrats, fiches de paie ou "
            "certificats de travail, si vous les avez."
        ),
        "identifiers": (
            "- Votre **numéro de sécurité sociale** (13 chiffres).\n"
            "- Votre **mot de passe** de l'espace personnel. Pas encore de compte ? Cliquez sur "
            "« Créer mon espace » et suivez les indications.\n"
            "- Ou bien, plus simple : **FranceConnect**, avec votre compte ameli ou impots.gouv.fr "
            "(voir la fiche « Se connecter avec FranceConnect »)."
        ),
        "steps": (
            "1. Ouvrez le site [lassuranceretraite.fr](https://www.lassuranceretraite.fr) et cliquez "
            "sur **« Mon espace personnel »**.\n"
            "2. Connectez-vous avec votre numéro de sécurité sociale et votre mot de passe, ou avec "
            "FranceConnect.\n"
            "3. **Vous êtes à la retraite** : cliquez sur la rubrique des paiements, puis sur "
            "« Télécharger une attestation de paiement ».\n"
            "4. Choisissez l'année ou la période demandée, puis téléchargez l'attestation.\n"
            "5. **Vous travaillez encore** : cliquez sur **« Relevé de carrière »**. Vous voyez, année "
            "par année, ce que vous avez déjà pour votre retraite.\n"
            "6. Vérifiez votre relevé. Une année manque ou est fausse ? Le site permet de demander une "
            "correction, avec vos justificatifs.\n"
            "7. Enregistrez le document ou envoyez-le sur votre e-mail. L'accueil peut l'imprimer.\n"
            "8. Cliquez sur **« Se déconnecter »**.\n"
            "\n"
            "**Bon à savoir** : ce site concerne la retraite de base des salariés du privé. Pour les "
            "autres caisses (retraite complémentaire, fonction publique, agriculture…), chaque caisse a "
            "son propre espace.\n"
            "\n" + _REMINDER
        ),
    },
    {
        "procedure": "demande-logement-social",
        "title": "Renouveler sa demande de logement social chaque année",
        "summary": (
            "Une demande de logement social dure un an. Il faut la renouveler chaque année avant sa "
            "date anniversaire, sinon elle est supprimée."
        ),
        "to_bring": (
            "- L'**attestation d'enregistrement** de votre demande : votre numéro unique est écrit "
            "dessus.\n"
            "- Le courrier ou l'e-mail qui vous rappelle de renouveler, si vous l'avez reçu.\n"
            "- Votre dernier **avis d'impôt**, et celui de chaque adulte qui vivra avec vous.\n"
            "- Les papiers qui ont changé depuis l'an dernier : naissance, mariage, séparation, "
            "nouvel emploi, nouvelle adresse."
        ),
        "identifiers": (
            "- Votre **numéro unique** : c'est le numéro de votre demande, sur l'attestation "
            "d'enregistrement.\n"
            "- Votre **mot de passe** du site. Vous l'avez oublié ? Cliquez sur « Mot de passe oublié » "
            "et suivez les indications."
        ),
        "steps": (
            "1. Ouvrez le site "
            "[demande-logement-social.gouv.fr](https://www.demande-logement-social.gouv.fr).\n"
            "2. Cliquez sur **« Se connecter »**. Tapez votre numéro unique et votre mot de passe.\n"
            "3. Cliquez sur **« Renouveler ma demande »**.\n"
            "4. Vérifiez chaque partie : personnes du foyer, revenus, adresse, travail, logement "
            "souhaité. Corrigez ce qui a changé.\n"
            "5. Ajoutez les papiers demandés, comme le dernier avis d'impôt. L'accueil peut vous aider "
            "à les scanner.\n"
            "6. Relisez, puis validez le renouvellement.\n"
            "7. Vous recevez une nouvelle attestation par e-mail ou par courrier. Gardez-la : votre "
            "numéro unique ne change pas.\n"
            "8. Cliquez sur **« Se déconnecter »**.\n"
            "\n"
            "**Bon à savoir** : si vous renouvelez à temps, vous gardez votre ancienneté (le temps "
            "d'attente déjà passé). Si vous ne renouvelez pas, la demande est supprimée et il faut tout "
            "recommencer.\n"
            "\n" + _REMINDER
        ),
    },
    {
        "procedure": "franceconnect",
        "title": "Se connecter avec FranceConnect",
        "summary": (
            "FranceConnect vous permet d'entrer sur beaucoup de sites publics avec un compte que vous "
            "avez déjà (ameli, impots.gouv.fr, La Poste…), sans créer un nouveau mot de passe."
        ),
        "to_bring": (
            "- Les identifiants d'**un compte que vous utilisez déjà** : ameli, impots.gouv.fr ou "
            "L'Identité Numérique La Poste, par exemple.\n"
            "- Votre **téléphone portable**, si ce compte vous envoie un code par SMS ou vous demande "
            "de valider dans une application."
        ),
        "identifiers": (
            "- **Compte impots.gouv.fr** : votre numéro fiscal (13 chiffres, sur l'avis d'impôt) et votre "
            "mot de passe.\n"
            "- **Compte ameli** : votre numéro de sécurité sociale (sur la carte Vitale) et votre mot de "
            "passe.\n"
            "- **L'Identité Numérique La Poste** : votre adresse e-mail ou votre téléphone, puis une "
            "validation dans l'application sur votre téléphone.\n"
            "- Vous n'avez aucun de ces comptes ? Commencez par en créer un (voir la fiche ameli ou "
            "impots)."
        ),
        "steps": (
            "1. Ouvrez le site de la démarche (CAF, ANTS, Assurance retraite…). Sur la page de "
            "connexion, cliquez sur le bouton bleu **« S'identifier avec FranceConnect »**.\n"
            "2. FranceConnect affiche une liste de comptes. Choisissez celui que vous avez déjà : "
            "impots.gouv.fr, ameli.fr, L'Identité Numérique La Poste…\n"
            "3. Vous arrivez sur la page de ce compte. Tapez ses identifiants comme d'habitude.\n"
            "4. Si on vous le demande, tapez le code reçu par SMS ou validez sur votre téléphone.\n"
            "5. FranceConnect affiche votre nom, votre prénom et votre date de naissance. Vérifiez, puis "
            "cliquez sur **« Continuer »**.\n"
            "6. Vous revenez sur le site de départ, déjà connecté. Faites votre démarche.\n"
            "7. À la fin, cliquez sur **« Se déconnecter »** sur le site, puis fermez la fenêtre.\n"
            "\n"
            "**Bon à savoir** : vérifiez toujours que le bouton mène à "
            "[franceconnect.gouv.fr](https://franceconnect.gouv.fr) ou au vrai site de votre compte. "
            "Certaines démarches demandent **FranceConnect+**, plus sécurisé : il faut alors "
            "L'Identité Numérique La Poste ou l'application France Identité.\n"
            "\n" + _REMINDER
        ),
    },
]
