"""Live discussion over Channels: per-stream event logs, discussion rooms, presence, catch-up."""
