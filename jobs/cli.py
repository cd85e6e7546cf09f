"""The argparse wiring of ``fieldbook jobs list|enqueue|show|cancel|retry``.

Thin: each command turns its arguments into a payload, calls ``jobs.admin.run`` (through the running
app, or on the ledger when it does not run) and prints the result. ``launcher.build_parser`` calls
``add_parsers``; importing this module stays cheap (``jobs.admin`` is imported when a command runs).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from store.core.config import AppConfig


def cmd_jobs(cfg: AppConfig, args: argparse.Namespace) -> int:
    """``fieldbook jobs list|enqueue|show|cancel|retry`` (jobs/admin.py does the work)."""
    import json

    from jobs import admin

    if args.jobs_command == "list":
        jobs = admin.run(cfg, "list", {"status": args.status, "limit": args.limit})
        print(json.dumps(jobs, indent=2) if args.json else admin.format_list(jobs))
    elif args.jobs_command == "enqueue":
        payload = {"name": args.name, "args": admin.parse_args_json(args.args), "priority": args.priority, "delay_s": args.delay}
        print(admin.run(cfg, "enqueue", payload))
    elif args.jobs_command == "show":
        job = admin.run(cfg, "show", {"id": args.id})
        print(json.dumps(job, indent=2) if args.json else admin.format_job(job))
    elif args.jobs_command == "cancel":
        job = admin.run(cfg, "cancel", {"id": args.id})
        print(f"Job {job['id']}: " + ("cancelled." if job["status"] == "cancelled" else "asked to stop; it ends as soon as the task notices."))
    else:
        job = admin.run(cfg, "retry", {"id": args.id})
        print(f"Job {job['id']}: queued again.")
    return 0


def add_parsers(sub: Any) -> None:
    jobs = sub.add_parser(
        "jobs",
        help="list, start, show, cancel or retry background jobs",
        description="Background jobs, through the running app, or directly on the job ledger when the app is not running "
        "(queued jobs then run at its next start).",
    )
    jobs.set_defaults(func=lambda cfg, args: jobs.print_usage(sys.stderr) or 2)
    cmds = jobs.add_subparsers(title="jobs commands", metavar="JOBS_COMMAND", dest="jobs_command")
    listing = cmds.add_parser("list", help="jobs, running first", description="List jobs: running first, then queued, then the latest finished.")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.add_argument("--status", action="append", choices=("queued", "running", "done", "failed", "cancelled"), help="only jobs in this status (repeatable)")
    listing.add_argument("--limit", type=int, default=50, help="at most this many jobs (default 50)")
    enqueue = cmds.add_parser("enqueue", help="queue a job; prints its id", description="Queue the job NAME and print its id.")
    enqueue.add_argument("name", metavar="NAME", help="the job, e.g. demo.sleep_steps")
    enqueue.add_argument("--args", metavar="JSON", help='its arguments as a JSON object, e.g. \'{"steps": 5}\'')
    enqueue.add_argument("--priority", type=int, default=None, help="higher runs first (default: the job's own)")
    enqueue.add_argument("--delay", type=float, default=None, metavar="SECONDS", help="start no sooner than this many seconds from now")
    show = cmds.add_parser("show", help="one job in detail", description="Show one job: status, progress, result or error.")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    cancel = cmds.add_parser("cancel", help="cancel a queued or running job", description="Cancel a queued job, or ask a running one to stop.")
    cancel.add_argument("id", metavar="ID")
    retry = cmds.add_parser("retry", help="queue a failed or cancelled job again", description="Queue a failed or cancelled job again.")
    retry.add_argument("id", metavar="ID")
    for parser in (listing, enqueue, show, cancel, retry):
        parser.set_defaults(func=cmd_jobs)
