"""HTTP plumbing shared by every domain's routes: dependencies, the error envelope, middleware."""
