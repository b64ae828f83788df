"""Names shared by the route modules."""

V1 = "/api/v1"
