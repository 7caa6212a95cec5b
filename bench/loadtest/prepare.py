"""Add the load test's worker accounts to a seeded database and write what locust needs to know.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loadtest PORTAL_DEBUG=1 \
        python bench/loadtest/prepare.py --workers 200 --out /tmp/loadtest/accounts.json

Run by bench/loadtest/run.py after `seed_demo --force`; a plain Django script rather than a management
command, so the load test adds nothing to the portal's command list. Accounts are spread round-robin over
every demo unit (both channels), starting with unit1's, so uploads land in many reviewers' queues.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

USERNAME_PREFIX = "lt-w"
PASSWORD = "Load@2025-rush"  # noqa: S105 - throw-away accounts of a throw-away database
REVIEWERS = ["city1", "county1", "unit1"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from demo.data import DEMO_PASSWORD
    from demo.entries import GIVEN, HAZARDS, LOCATIONS, SURNAMES
    from portal.accounts.enums import RoleKind
    from portal.accounts.models import Role, User
    from portal.campaigns.models import Campaign
    from portal.directory.models import OrgNode

    campaign = Campaign.objects.current()
    if campaign is None:
        print("no current campaign: run seed_demo first", file=sys.stderr)
        return 1
    rng = random.Random(2025)
    units = list(OrgNode.objects.units().order_by("path"))
    # Start at unit1's unit, so the first account (which locust always uses) uploads into a queue that a
    # test reviewer pages through; city1 and county1 are above it.
    first = Role.objects.filter(user__username="unit1", kind=RoleKind.UNIT).values_list("node_id", flat=True).first()
    start = next((index for index, unit in enumerate(units) if unit.pk == first), 0)
    units = units[start:] + units[:start]
    hashed = make_password(PASSWORD)  # once: hashing is slow on purpose
    workers = []
    with transaction.atomic():
        for index in range(args.workers):
            unit = units[index % len(units)]
            username = f"{USERNAME_PREFIX}{index + 1:03d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username, password=hashed, email=f"{username}@example.com",
                    full_name=rng.choice(SURNAMES) + rng.choice(GIVEN), phone=f"139{index:08d}",
                    address=f"{unit.name}{rng.choice(LOCATIONS)}")
                Role.objects.create(user=user, kind=RoleKind.WORKER, node=unit)
            workers.append({"username": username, "full_name": user.full_name, "phone": user.phone,
                            "address": user.address, "email": user.email, "unit": unit.pk})
    categories = {category.name: category.pk for category in campaign.hazard_categories.all()}
    unknown = {hazard[1] for hazard in HAZARDS} - set(categories)
    if unknown:  # an entry without a category cannot be submitted: every worker would fail
        print(f"hazard categories missing from the campaign: {sorted(unknown)}", file=sys.stderr)
        return 1
    data = {
        "password": PASSWORD,
        "workers": workers,
        "reviewers": [{"username": name, "password": DEMO_PASSWORD} for name in REVIEWERS],
        "industries": list(campaign.industries.values_list("pk", flat=True)),
        "description_max_chars": campaign.description_max_chars,
        # (title, category id, hazard, suggestion, rectification note, description)
        "hazards": [(title, categories[category], hazard, suggestion, note, description)
                    for title, category, hazard, suggestion, note, description in HAZARDS],
        "locations": LOCATIONS,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(workers)} worker accounts over {min(len(units), len(workers))} units → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
