"""The local-activities directory in the Open Referral HSDS 3.0 format."""
