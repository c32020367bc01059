"""Every form of the console that changes something, and the ones that are about the
signing-in staff member's own account. tests/gateway/test_console_route_list.py checks this
list against the app's routes, so a new route cannot be left out of the authorization
tests (tests/security/test_console_authorization.py)."""

from __future__ import annotations

# path -> who may use it (roles), besides the housing company check
STATE_CHANGING = {
    "/console/handoffs/{handoff_id}/claim": ("caseworker", "supervisor", "admin"),
    "/console/handoffs/{handoff_id}/release": ("caseworker", "supervisor", "admin"),
    "/console/handoffs/{handoff_id}/reassign": ("supervisor", "admin"),
    "/console/handoffs/{handoff_id}/reply": ("caseworker", "supervisor", "admin"),
    "/console/handoffs/{handoff_id}/note": ("caseworker", "supervisor", "admin"),
    "/console/handoffs/{handoff_id}/close": ("caseworker", "supervisor", "admin"),
    "/console/handoffs/{handoff_id}/callback": ("caseworker", "supervisor", "admin"),
    "/console/handoffs/{handoff_id}/undelivered/{message_id}/retry": (
        "caseworker",
        "supervisor",
        "admin",
    ),
    "/console/handoffs/{handoff_id}/labels": ("caseworker", "supervisor", "admin"),
    "/console/labels": ("admin",),
    "/console/labels/{label_id}/delete": ("admin",),
    "/console/canned": ("admin",),
    "/console/canned/{reply_id}/delete": ("admin",),
    "/console/staff/{staff_id}/sign-out": ("admin",),
    "/console/staff/{staff_id}/second-factor/reset": ("admin",),
    # "this place was closed", from a conversation: one of the activities the bot showed
    "/console/handoffs/{handoff_id}/closed-place": ("caseworker", "supervisor", "admin"),
    # the activities directory: a curator their company's services, a regional one all
    "/console/directory/new": ("curator", "regional_curator"),
    "/console/directory/services/{service_id}": ("curator", "regional_curator"),
    "/console/directory/services/{service_id}/confirm": ("curator", "regional_curator"),
    "/console/directory/services/{service_id}/revert/{number}": (
        "curator",
        "regional_curator",
    ),
    # an import replaces services of every company: the region's curators only
    "/console/directory/import": ("regional_curator",),
}
# Signing in and out, and one's own password: every role, for their own account only.
OWN_ACCOUNT = {
    "/console/login",
    "/console/login/second-factor",
    "/console/second-factor/setup",
    "/console/logout",
    "/console/account/password",
    "/console/account/phone",
    "/console/account/notices",
}
# Forms whose accepted use needs a phone call (a handoff from the phone line, Twilio): the
# refusals are tested with the others; what the right staff change is tested in
# tests/gateway/test_voice_callback.py.
PHONE_LINE_ONLY = {"/console/handoffs/{handoff_id}/callback"}
# Counts the SMS parts of a draft: reads, changes nothing.
# Finds conversations by a tenant's number (posted: never in a URL): reads, changes nothing
# but the audit trail.
READ_ONLY_POSTS = {"/console/segments", "/console/conversations/by-number"}
# Every page (GET) of the console: the header tests open each of them.
PAGES = (
    "/console/login",
    "/console/login/second-factor",
    "/console/second-factor/setup",
    "/console/second-factor/recovery-codes",
    "/console/account/password",
    "/console/staff",
    "/console/",
    "/console/handoffs/{handoff_id}",
    "/console/handoffs/{handoff_id}/entries",
    "/console/alerts",
    "/console/canned",
    "/console/conversations",
    "/console/labels",
    "/console/signals",
    "/console/signals.csv",
    "/console/directory",
    "/console/directory/new",
    "/console/directory/services/{service_id}",
    "/console/directory/transfer",
    "/console/directory/export.json",
    "/console/directory/export.zip",
)
# Pages only curators open (the header tests open them as the own company's curator).
CURATOR_PAGES = {page for page in PAGES if page.startswith("/console/directory")}
