"""What happens (issue 5 onwards): incidents, unified command, ICS positions, operational
periods, timeline, tasks, resource requests and situation reports."""
