"""Work orders: intake, the lifecycle commands, listing and the timeline."""
