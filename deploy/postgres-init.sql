-- Rasa's tracker store gets its own database beside the gateway's (POSTGRES_DB=gateway).
-- The postgres image runs this once, as POSTGRES_USER (who then owns the database), when
-- the data volume is empty. The name is the compose file's RASA_TRACKER_DB.
CREATE DATABASE rasa_tracker;
