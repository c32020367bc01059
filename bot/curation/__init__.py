"""Curation of the activities directory by housing companies' staff (issue 23): who owns a
service, its versions, "this place was closed" reports and what the bot showed."""
