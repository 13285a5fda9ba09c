"""Programs the reliability suites serve under a real uvicorn."""
