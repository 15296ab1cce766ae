"""The CRM simulator: Salesforce REST API shapes (sObjects, SOQL, limits) and opportunity rules."""
