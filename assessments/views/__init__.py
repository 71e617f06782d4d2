"""The assessments app's views, one module per part of the service.

- journey: a person's own self-assessment, from starting it to the confirmation page
- results: a person's own results and history
- review: a line manager's team list and review of a report's self-assessment
- cycles: cycle management for the head of digital
- dashboards: the organisation and team gap dashboards (tables and CSV in dashboard_tables)
"""
