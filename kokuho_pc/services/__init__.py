"""The use cases the screens and the command line call (login, accounts, media, sending,
exporting, candidates, printing, dashboard), and the one place errors become Japanese
messages. The only layer the UI talks to."""
