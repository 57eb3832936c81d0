"""Delinquency: late charges report and automatic exclusion of defaulting cotas."""
