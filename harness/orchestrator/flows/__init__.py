"""The orchestrator's CRM- and ERP-driven flows: project setup from closed-won opportunities, milestone
invoicing, and ERP credit, invoice and payment events propagated to the PSA and the CRM."""
