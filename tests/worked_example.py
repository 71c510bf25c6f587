"""The FORMAT.md worked example, shared by the tests: as data and as the exact YAML text."""

OPENAI = {
    "name": "openai",
    "base_url": "https://api.openai.com",
    "auth_config": "api_key_auth",
    "api_key_auth": {
        "auth_type": "header_auth",
        "header_auth_key": "Authorization",
        "header_auth_value_pattern": "Bearer %s",
        "api_key": "<<OPENAI_API_KEY>>",
    },
}
GET_MODELS = {"name": "get_models", "connector": "openai", "method": "GET", "path": "/v1/models"}
BUNDLE = {"connectors": [OPENAI], "actions": [GET_MODELS]}

BUNDLE_TEXT = """\
connectors:
- name: openai
  base_url: https://api.openai.com
  auth_config: api_key_auth
  api_key_auth:
    auth_type: header_auth
    header_auth_key: Authorization
    header_auth_value_pattern: Bearer %s
    api_key: <<OPENAI_API_KEY>>
actions:
- name: get_models
  connector: openai
  method: GET
  path: /v1/models
"""
