"""The reference orchestrator: the project-to-cash middleware under test.

It talks to the CRM, PSA and ERP only over their vendor APIs and never imports simulator code.
"""
