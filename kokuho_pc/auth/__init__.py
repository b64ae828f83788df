"""Staff accounts and how they prove who they are: password hashing and policy, one-time
passwords (TOTP), and the logged-in session with its idle lock and time limit."""
