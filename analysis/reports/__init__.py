"""Stage 4, reports: notebook display and plots, parameters, the runner, schedules, CLI."""
