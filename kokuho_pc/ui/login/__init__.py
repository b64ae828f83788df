"""The login window, the password change and second-factor enrolment dialogs, and
the idle lock with its lock screen.
"""
