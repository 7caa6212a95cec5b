"""Bare SQL for what each page shows, timed with psql's \\timing (median of --runs after 2 warm-ups).

    .venv/bin/python bench/independent/sql_floors.py --db benchq_100000 [--runs 9]

Written independently from the tables (not from scoring_rankingkey for the rankings: the ranking is
computed from the assessments, the straightforward way). A page's figure is the sum of its statements'
times in one run; the median is over runs. Uses bench_scale_http.db_ids for the ids.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import time
from pathlib import Path

from bench_scale_http import WORD, db_ids

HERE = Path(__file__).resolve().parent

RANKED = """
WITH unit AS (
  SELECT DISTINCT ON (a.entry_id) a.entry_id, a.d, a.c, a.l
  FROM scoring_assessment a WHERE a.tier = 0 ORDER BY a.entry_id, a.updated_at DESC, a.id DESC),
expert AS (
  SELECT a.entry_id, avg(a.d) AS d, avg(a.c) AS c, avg(a.l) AS l, count(*) AS n
  FROM scoring_assessment a
  JOIN experts_expertassignment x ON x.entry_id = a.entry_id AND x.expert_id = a.assessor_id
   AND x.removed_at IS NULL AND x.conflict_declared_at IS NULL
  WHERE a.tier = 3 GROUP BY a.entry_id),
ranked AS (
  SELECT e.id, e.title, e.unit_id, e.state, e.tier, e.submitted_at,
         u.d AS unit_d, x.d AS expert_d, x.n AS experts,
         CASE WHEN COALESCE(x.d, u.d) IS NOT NULL THEN
           row_number() OVER (ORDER BY COALESCE(x.d, u.d) DESC NULLS LAST, COALESCE(x.c, u.c) DESC NULLS LAST,
                              COALESCE(x.l, u.l) DESC NULLS LAST, e.submitted_at, e.id) END AS rank,
         row_number() OVER (ORDER BY COALESCE(x.d, u.d) DESC NULLS LAST, COALESCE(x.c, u.c) DESC NULLS LAST,
                            COALESCE(x.l, u.l) DESC NULLS LAST, e.submitted_at, e.id) AS pos
  FROM submissions_entry e
  LEFT JOIN unit u ON u.entry_id = e.id LEFT JOIN expert x ON x.entry_id = e.id
  WHERE e.campaign_id = {c} AND e.state NOT IN ('draft', 'withdrawn') {scope})
"""


def ranking(c, scope="", where="TRUE", offset=0, limit=50):
    return [RANKED.format(c=c, scope=scope) + f"""
SELECT r.rank, r.id, r.title, o.name, r.unit_d, r.expert_d, r.experts, r.state
FROM ranked r JOIN directory_orgnode o ON o.id = r.unit_id
WHERE {where} ORDER BY r.pos LIMIT {limit} OFFSET {offset};""",
            f"""SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM scoring_assessment a
                WHERE a.entry_id = e.id)) FROM submissions_entry e
                WHERE e.campaign_id = {c} AND e.state NOT IN ('draft', 'withdrawn') {scope}
                AND {where.replace('r.', 'e.')};"""]


def stats(c, scope=""):
    base = f"FROM submissions_entry e WHERE e.campaign_id = {c} AND e.state <> 'draft' {scope}"
    return [f"SELECT e.state, e.tier, count(*) {base} GROUP BY 1, 2;",
            f"SELECT o.name, count(*) {base.replace('WHERE', 'JOIN directory_orgnode o ON o.id = e.selection_union_id WHERE')} GROUP BY 1;",
            f"SELECT e.category_id, count(*) {base} GROUP BY 1;",
            f"SELECT e.industry_id, count(*) {base} GROUP BY 1;",
            f"SELECT count(DISTINCT e.unit_id), count(DISTINCT e.author_id), count(*) {base};"]


def queue(c, scope, tier, states):
    st = ", ".join(f"'{s}'" for s in states)
    where = f"e.campaign_id = {c} AND {scope} AND e.tier = {tier} AND e.state IN ({st})"
    return [f"""SELECT e.id, e.title, e.state, e.submitted_at, e.unit_score, o.name, u.full_name
                FROM submissions_entry e JOIN directory_orgnode o ON o.id = e.unit_id
                JOIN accounts_user u ON u.id = e.author_id
                WHERE {where} ORDER BY e.submitted_at, e.id LIMIT 25;""",
            f"SELECT e.state, count(*) FROM submissions_entry e WHERE {where} GROUP BY 1;"]


def page_sql(ids: dict) -> dict[str, list[str]]:
    c, n = ids["campaign"], ids["nodes"]
    word = f"r.title LIKE '%{WORD}%'"
    in_review = f"e.campaign_id = {c} AND e.state = 'province_recommended' AND e.tier = 3"
    active = "x.removed_at IS NULL AND x.conflict_declared_at IS NULL"
    return {
        "committee ranking": ranking(c),
        f"committee ranking search {WORD}": ranking(c, where=word),
        f"committee ranking search {WORD}, last page": ranking(c, where=word, offset=(ids["last_page"] - 1) * 50),
        "committee ranking search by code": ranking(c, where=f"(r.id = {ids['deepest']} OR r.title LIKE '%{ids['deepest']}%')"),
        "expert dashboard": [
            f"""SELECT e.id, e.title, count(DISTINCT x.id) FILTER (WHERE {active}) AS assigned,
                       count(a.id) AS scored, avg(a.d), min(a.d), max(a.d), max(fa.level_id)
                FROM submissions_entry e
                LEFT JOIN experts_expertassignment x ON x.entry_id = e.id
                LEFT JOIN scoring_assessment a ON a.entry_id = e.id AND a.tier = 3 AND a.assessor_id = x.expert_id AND {active}
                LEFT JOIN experts_finalaward fa ON fa.entry_id = e.id
                WHERE {in_review} GROUP BY e.id ORDER BY avg(a.d) DESC NULLS LAST, e.submitted_at, e.id LIMIT 50;""",
            f"""SELECT count(*), count(*) FILTER (WHERE assigned >= 3), count(*) FILTER (WHERE scored >= assigned AND assigned > 0)
                FROM (SELECT e.id, count(x.id) FILTER (WHERE {active}) AS assigned, count(x.submitted_at) FILTER (WHERE {active}) AS scored
                      FROM submissions_entry e LEFT JOIN experts_expertassignment x ON x.entry_id = e.id
                      WHERE {in_review} GROUP BY e.id) s;"""],
        "expert assignments": [
            f"""SELECT x.id, e.id, e.title, u.full_name, x.assigned_at, x.submitted_at, x.conflict_declared_at
                FROM experts_expertassignment x JOIN submissions_entry e ON e.id = x.entry_id
                JOIN accounts_user u ON u.id = x.expert_id
                WHERE {in_review} AND x.removed_at IS NULL ORDER BY e.id, x.id LIMIT 50;""",
            f"""SELECT x.expert_id, count(*), count(x.submitted_at), count(x.conflict_declared_at)
                FROM experts_expertassignment x JOIN submissions_entry e ON e.id = x.entry_id
                WHERE {in_review} AND x.removed_at IS NULL GROUP BY 1;"""],
        "/stats/ committee": stats(c),
        "exports page": ["""SELECT j.id, j.kind, j.status, j.progress, j.created_at, j.size FROM exports_exportjob j
                             WHERE j.requested_by_id = (SELECT id FROM accounts_user WHERE username = 'committee')
                             ORDER BY j.created_at DESC LIMIT 20;"""],
        "admin audit changelist": [
            "SELECT id, created_at, actor_name, action, target_repr, summary FROM audit_auditrecord ORDER BY created_at DESC, id DESC LIMIT 100;",
            "SELECT count(*) FROM audit_auditrecord;",
            "SELECT DISTINCT action FROM audit_auditrecord;"],
        "city ranking": ranking(c, scope=f"AND e.selection_union_id = {n['city1']} AND e.tier >= 2"),
        "/stats/ city": stats(c, f"AND e.selection_union_id = {n['city1']}"),
        "queue city": queue(c, f"e.selection_union_id = {n['city1']}", 2, ["first_forwarded", "unit_recommended"]),
        "entry page": [
            f"""SELECT e.*, o.name, u.full_name, s.name FROM submissions_entry e JOIN directory_orgnode o ON o.id = e.unit_id
                JOIN accounts_user u ON u.id = e.author_id JOIN directory_orgnode s ON s.id = e.selection_union_id
                WHERE e.id = {ids['city_entry']};""",
            f"SELECT * FROM scoring_assessment WHERE entry_id = {ids['city_entry']};",
            f"SELECT * FROM review_transition WHERE entry_id = {ids['city_entry']} ORDER BY id;",
            f"SELECT * FROM review_tiergrade WHERE entry_id = {ids['city_entry']};",
            f"SELECT * FROM submissions_photo WHERE entry_id = {ids['city_entry']};"],
        "/stats/ county": stats(c, f"AND e.first_review_union_id = {n['county1']}"),
        "queue county": queue(c, f"e.first_review_union_id = {n['county1']}", 1, ["unit_recommended"]),
        "/stats/ unit": stats(c, f"AND e.unit_id = {n['unit1']}"),
        "queue unit": queue(c, f"e.unit_id = {n['unit1']}", 0, ["submitted"]),
        "exhibition": [
            f"""SELECT e.id, e.title, o.name, p.published_at, fa.level_id FROM exhibition_publication p
                JOIN submissions_entry e ON e.id = p.entry_id JOIN directory_orgnode o ON o.id = e.unit_id
                LEFT JOIN experts_finalaward fa ON fa.entry_id = e.id
                WHERE e.campaign_id = {c} ORDER BY p.published_at DESC, p.id DESC LIMIT 12;""",
            f"SELECT count(*) FROM exhibition_publication p JOIN submissions_entry e ON e.id = p.entry_id WHERE e.campaign_id = {c};"],
    }


def time_page(db: str, statements: list[str], runs: int, warm: int = 2) -> dict:
    script = ["\\set ON_ERROR_STOP on", "\\o /dev/null"]
    for i in range(warm + runs):
        script.append(f"\\echo RUN {i}")
        script.append("\\timing on")
        script.extend(statements)
        script.append("\\timing off")
    out = subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", db],
                         input="\n".join(script), capture_output=True, text=True, check=True).stdout
    totals = []
    for chunk in out.split("RUN ")[1:]:
        times = [float(t) for t in re.findall(r"Time: ([\d.]+) ms", chunk)]
        assert len(times) == len(statements), chunk
        totals.append(sum(times))
    timed = totals[warm:]
    return {"median": statistics.median(timed), "min": min(timed), "max": max(timed), "runs": timed}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="benchq_100000")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only")
    args = parser.parse_args()
    ids = db_ids(args.db)
    res = {}
    for label, stmts in page_sql(ids).items():
        if args.only and args.only not in label:
            continue
        r = time_page(args.db, stmts, args.runs)
        res[label] = r
        print(f"{label:45s} {r['median']:8.1f} ({r['min']:.1f}–{r['max']:.1f})", flush=True)
    (HERE / f"sql_{args.db}_{time.strftime('%H%M%S')}.json").write_text(json.dumps(res, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
