"""Custom actions of the tenant assistant (rasa-sdk action server)."""
