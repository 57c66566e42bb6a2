"""Pure state machines over facts: a finding's status, checklist steps, decommissioning, lifecycle
transitions and the organisation checklist. No SQL, no network."""
