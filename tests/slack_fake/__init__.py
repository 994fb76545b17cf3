"""A fake Slack for adapter tests: Web API, Socket Mode and signed Events API requests."""
