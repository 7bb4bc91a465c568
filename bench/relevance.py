"""Search relevance on our own queries: nDCG@10 over the n8n corpus, in-process.

usage: python bench/relevance.py [--corpus ../shared/corpus/workflows] [--style natural|keywords|typos|all]
                                 [--show N] [--only KEY]

``../shared/search_eval`` scores a public set of ten queries and a hidden one. This file is a
larger set of our own, written the same way (a workflow is relevant when it uses a node type of
every group) and written before looking at any result, so a change that helps only the public
ten shows here as no gain. Each query comes as a sentence, as keywords and with a typo.

Prints nDCG@10 per query (worst first) and the means; ``--show N`` lists the top N results of
the queries under 0.8 with whether each is relevant.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from automatelanka.search.corpus import import_folder  # noqa: E402
from automatelanka.services import search  # noqa: E402
from automatelanka.store import migrate  # noqa: E402
from automatelanka.store.db import create_engine_for, read_only  # noqa: E402
from automatelanka.store.repositories import workspaces  # noqa: E402

#: key -> (sentence, keywords, with a typo, groups of node types)
QUERIES: dict[str, tuple[str, str, str, list[list[str]]]] = {
    "github_slack": ("post new github issues to a slack channel", "github slack",
                     "githb slack", [["github", "githubTrigger"], ["slack"]]),
    "airtable_slack": ("notify slack when a new airtable record is created", "airtable slack",
                       "airtabel slack", [["airtable", "airtableTrigger"], ["slack"]]),
    "hubspot_sheets": ("export hubspot contacts to a google sheet", "hubspot google sheets",
                       "hubspot google shets", [["hubspot", "hubspotTrigger"], ["googleSheets"]]),
    "rss_twitter": ("tweet new posts from an rss feed", "rss twitter", "rss twiter",
                    [["rssFeedRead", "rssFeedReadTrigger"], ["twitter"]]),
    "webhook_postgres": ("store incoming webhook data in a postgres database", "webhook postgres",
                         "webhook postgress", [["webhook"], ["postgres"]]),
    "calendar_slack": ("send a slack reminder about upcoming google calendar events", "google calendar slack",
                       "google calender slack", [["googleCalendar", "googleCalendarTrigger"], ["slack"]]),
    "weather_telegram": ("send the daily weather forecast to telegram", "weather telegram",
                         "weather telegarm", [["openWeatherMap"], ["telegram"]]),
    "twilio_schedule": ("send an sms with twilio every morning", "twilio schedule", "twillio schedule",
                        [["twilio"], ["scheduleTrigger", "cron", "interval"]]),
    "mysql_sheets": ("copy mysql rows into google sheets", "mysql google sheets", "mysql gogle sheets",
                     [["mySql"], ["googleSheets"]]),
    "jira_slack": ("post new jira issues in slack", "jira slack", "jira slakc",
                   [["jira", "jiraTrigger"], ["slack"]]),
    "typeform_sheets": ("save typeform submissions to a google sheet", "typeform google sheets",
                        "typefrom google sheets", [["typeformTrigger"], ["googleSheets"]]),
    "mattermost": ("send notifications to a mattermost channel", "mattermost", "matermost",
                   [["mattermost"]]),
    "youtube": ("get the latest videos of a youtube channel", "youtube videos", "youtub videos",
                [["youTube"]]),
    "pdf_text": ("extract the text from pdf files", "pdf extract text", "pdf extrct text",
                 [["extractFromFile", "readPDF"]]),
    "ssh": ("run a command on a remote server over ssh", "ssh command", "ssh comand", [["ssh"]]),
    "zendesk": ("create tickets in zendesk", "zendesk tickets", "zendsk tickets",
                [["zendesk", "zendeskTrigger"]]),
    "linkedin": ("publish a post on linkedin", "linkedin post", "linkdin post", [["linkedIn"]]),
    "dropbox_drive": ("move files from dropbox to google drive", "dropbox google drive",
                      "dropbx google drive", [["dropbox"], ["googleDrive", "googleDriveTrigger"]]),
    "imap_sheets": ("read emails over imap and log them in a spreadsheet", "imap google sheets",
                    "imap google sheet", [["emailReadImap"], ["googleSheets"]]),
    "error_alert": ("alert me when a workflow fails with an error", "error trigger", "eror trigger",
                    [["errorTrigger"]]),
    "csv_sheets": ("import a csv file into google sheets", "csv google sheets", "csv googel sheets",
                   [["spreadsheetFile", "extractFromFile"], ["googleSheets"]]),
    "pipedrive": ("add new leads to pipedrive", "pipedrive leads", "pipedrve leads",
                  [["pipedrive", "pipedriveTrigger"]]),
    "xml_http": ("fetch an xml feed over http and convert it to json", "xml http request",
                 "xml http requst", [["xml"], ["httpRequest"]]),
    "redis": ("cache data in redis", "redis cache", "rediss cache", [["redis"]]),
    "spotify": ("save my spotify playlists", "spotify playlist", "spotfy playlist", [["spotify"]]),
    "hacker_news": ("get the top stories from hacker news", "hacker news", "hacker nws", [["hackerNews"]]),
    "supabase": ("insert rows into a supabase table", "supabase", "supabse", [["supabase"]]),
    "clearbit": ("enrich leads with clearbit", "clearbit enrich", "clerabit enrich", [["clearbit"]]),
    "telegram_ai": ("telegram bot that answers with openai", "telegram openai", "telegram opnai",
                    [["telegram", "telegramTrigger"], ["openAi"]]),
    "form_email": ("send an email when someone submits a form", "form email", "form emial",
                   [["formTrigger", "form", "typeformTrigger", "jotFormTrigger"], ["gmail", "emailSend"]]),
    "unzip": ("unzip an archive of files", "unzip files", "unzip fils", [["compression"]]),
    "outlook": ("read my microsoft outlook emails", "outlook email", "outlok email",
                [["microsoftOutlook", "microsoftOutlookTrigger"]]),
    "graphql": ("query a graphql api", "graphql", "grapql", [["graphql"]]),
    "baserow": ("add records to a baserow table", "baserow", "baserwo", [["baserow"]]),
    "google_docs": ("create a google doc from a template", "google docs", "google dcos", [["googleDocs"]]),
    "discord_schedule": ("post a daily message to discord", "discord schedule", "discrod schedule",
                         [["discord"], ["scheduleTrigger", "cron", "interval"]]),
    "image_http": ("download an image and edit it", "edit image http request", "edit imgae http request",
                   [["editImage"], ["httpRequest"]]),
    "dedupe_sheets": ("remove duplicate rows from a google sheet", "remove duplicates google sheets",
                      "remove duplicates google sheest", [["removeDuplicates"], ["googleSheets"]]),
    "todoist": ("create tasks in todoist", "todoist tasks", "todoits tasks", [["todoist"]]),
    "mailchimp": ("add new subscribers to a mailchimp list", "mailchimp subscribers", "mailchmp subscribers",
                  [["mailchimp", "mailchimpTrigger"]]),
    "zoom": ("create a zoom meeting", "zoom meeting", "zom meeting", [["zoom"]]),
    "s3": ("upload files to an amazon s3 bucket", "aws s3 upload", "aws s3 uplod", [["awsS3", "s3"]]),
    "batches_wait": ("process items in batches with a delay between them", "split in batches wait",
                     "split in bathces wait", [["splitInBatches"], ["wait"]]),
    "calendly": ("do something when someone books a meeting on calendly", "calendly", "calendy",
                 [["calendlyTrigger"]]),
    "shell": ("run a shell command on this machine", "execute command", "execute comand",
              [["executeCommand"]]),
    "notion_slack": ("share new notion pages in slack", "notion slack", "notoin slack",
                     [["notion", "notionTrigger"], ["slack"]]),
    "gmail_sheets": ("log incoming gmail messages in google sheets", "gmail google sheets",
                     "gmial google sheets", [["gmail", "gmailTrigger"], ["googleSheets"]]),
    "sheets_email_schedule": ("email a report from a google sheet every week", "google sheets email schedule",
                              "google sheets emal schedule",
                              [["googleSheets"], ["gmail", "emailSend"], ["scheduleTrigger", "cron"]]),
    "wordpress": ("publish articles on a wordpress blog", "wordpress", "wordpres", [["wordpress"]]),
    "whatsapp_ai": ("answer whatsapp messages automatically with ai", "whatsapp ai", "whatsap ai",
                    [["whatsApp", "whatsAppTrigger"]]),
}

STYLES = ("natural", "keywords", "typos")


def relevant(corpus: Path) -> dict[str, set[str]]:
    docs: dict[str, set[str]] = {}
    for f in corpus.rglob("*.json"):
        d = json.loads(f.read_text())
        docs[f.name] = {str(n.get("type", "")).split(".")[-1] for n in d.get("nodes", []) if isinstance(n, dict)}
    return {k: {f for f, types in docs.items() if all(types & set(g) for g in groups)}
            for k, (*_, groups) in QUERIES.items()}


def ndcg(ranked: list[str], rel: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, f in enumerate(ranked[:k]) if f in rel)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(rel))))
    return dcg / ideal if ideal else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "workflows")
    parser.add_argument("--style", choices=(*STYLES, "all"), default="all")
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--only", default=None)
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp()}/relevance.db"
    migrate.upgrade(url)
    engine = create_engine_for(url)
    with engine.begin() as conn:
        ws = workspaces.create_workspace(conn, slug="eval", name="Eval")["id"]
        import_folder(conn, ws, args.corpus)
    rel = relevant(args.corpus)
    styles = STYLES if args.style == "all" else (args.style,)
    means = {}
    for style in styles:
        rows = []
        for key, (sentence, keywords, typo, _) in QUERIES.items():
            if args.only and key != args.only:
                continue
            q = {"natural": sentence, "keywords": keywords, "typos": typo}[style]
            with read_only(engine.connect()) as conn:
                found = search.search_workflows(conn, ws, q, limit=50).results
            ranked = [r["filename"] for r in found]
            rows.append((ndcg(ranked, rel[key]), key, q, ranked))
        rows.sort()
        print(f"== {style}")
        for score, key, q, ranked in rows:
            if score < 1.0:
                print(f"  {score:.3f}  {key:<22} {q!r}  ({len(rel[key])} relevant)")
            if args.show and score < 0.8:
                for f in ranked[: args.show]:
                    print(f"           {'+' if f in rel[key] else '-'} {f}")
        means[style] = statistics.mean(r[0] for r in rows)
    print("  ".join(f"{s} nDCG@10 {m:.3f}" for s, m in means.items()))


if __name__ == "__main__":
    main()
