"""``al billing``: plans, this month's usage, subscribing and the billing portal.

Talks to ``/api/billing/plans``, ``/api/billing/usage``, ``POST /api/billing/subscribe`` and
``POST /api/billing/portal`` (the last two answer with a URL to open).
"""

from __future__ import annotations

import contextlib

import typer

from automatelanka.cli.output import json_option

app = typer.Typer(help="Plans, usage and subscription of the current workspace.", no_args_is_help=True)


@app.command("plans")
def plans(as_json: bool = json_option()) -> None:
    """The plans on offer and their limits.

    Example: al billing plans --json
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json, table

    with cl.connect() as c:
        data = c.get("/api/billing/plans")
    items = data.get("items", data) if isinstance(data, dict) else data
    if as_json:
        print_json(items)
    else:
        rows = [{**p, "limits": ", ".join(f"{k} {'unlimited' if v is None else v}" for k, v in
                                          (p.get("limits") or {}).items() if k in ("runs", "workflows", "members"))}
                for p in items]
        table(rows, ["id", "name", "price", "limits"], empty="no plans")


@app.command("usage")
def usage(as_json: bool = json_option()) -> None:
    """This month's usage of the workspace against its plan.

    Example: al billing usage
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import details, print_json, table

    with cl.connect() as c:
        data = c.get("/api/billing/usage")
    if as_json:
        print_json(data)
        return
    plan = data.get("plan") or {}
    period = data.get("period") or {}
    sub = data.get("subscription") or {}
    summary = {"plan": f"{plan.get('name')} ({plan.get('status')})",
               "period": f"{period.get('start', '')[:10]} to {period.get('end', '')[:10]}",
               "billing": "on" if data.get("billing_enabled") else "off (self-hosted: unlimited)"}
    if sub.get("cancel_at_period_end"):
        summary["cancels"] = f"at the end of the period ({sub.get('current_period_end', '')[:10]})"
    details(summary)
    rows = [{"resource": name, "used": item.get("used"),
             "limit": "unlimited" if item.get("limit") is None else item.get("limit"),
             "remaining": "" if item.get("limit") is None else item.get("remaining")}
            for name, item in (data.get("usage") or {}).items()]
    table(rows, ["resource", "used", "limit", "remaining"])


def _open(url: str, no_browser: bool) -> None:
    typer.echo(url)
    if not no_browser:
        import webbrowser

        with contextlib.suppress(Exception):
            webbrowser.open(url)


@app.command("subscribe")
def subscribe(plan: str = typer.Argument(..., help="Plan id (see 'al billing plans')."),
              no_browser: bool = typer.Option(False, "--no-browser", help="Only print the checkout URL."),
              as_json: bool = json_option()) -> None:
    """Subscribe the workspace to a plan: prints (and opens) the checkout page.

    Example: al billing subscribe pro --no-browser
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        data = c.post("/api/billing/subscribe", json={"plan": plan})
    if as_json:
        print_json(data)
    elif data.get("url"):
        _open(data["url"], no_browser)
    else:
        typer.echo(f"subscribed to {plan}")


@app.command("portal")
def portal(no_browser: bool = typer.Option(False, "--no-browser", help="Only print the portal URL."),
           as_json: bool = json_option()) -> None:
    """Open the billing portal (invoices, payment method, cancel).

    Example: al billing portal --no-browser
    """
    from automatelanka.cli import client as cl
    from automatelanka.cli.output import print_json

    with cl.connect() as c:
        data = c.post("/api/billing/portal")
    if as_json:
        print_json(data)
    else:
        _open(data["url"], no_browser)
