"""Errors as a portal sends them: `{"error": CODE, "error_description": text}` and a status."""


class ApiError(Exception):
    def __init__(self, status: int, code: str, description: str, extra: dict | None = None):
        super().__init__(f"{code}: {description}")
        self.status, self.code, self.description = status, code, description
        self.extra = extra or {}  # e.g. the 429's `time.operating_reset_at`

    def body(self) -> dict:
        return {"error": self.code, "error_description": self.description, **self.extra}


def method_not_found() -> ApiError:
    return ApiError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")


def invalid_credentials() -> ApiError:
    return ApiError(401, "INVALID_CREDENTIALS", "Invalid request credentials")


def no_auth() -> ApiError:
    return ApiError(401, "NO_AUTH_FOUND", "Wrong authorization data")
