"""curl2connector: curl commands and Postman collections to connector and action definitions."""

__version__ = "0.1.0"
