"""E-mails to the housing companies' staff (issue 18): a new request reaches the staff on
duty, an urgent one nobody took escalates to the supervisors. An e-mail never carries
tenant content: only "urgent" or "new", the request's number, the company's name and a
link to the console, where the staff member signs in to read the rest."""
