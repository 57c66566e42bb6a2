"""The application layer: what both front ends (the command line and the dashboard) call.

Each module is one kind of work: sweeps and their schedule, inventory changes, remediation,
the organisation checklist, check administration, evidence, reports. Front ends parse input
and render output; the decisions are made here and below, once.
"""
