"""Vendor-faithful, stateful simulators of a CRM, a PSA and an ERP."""
