from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    totp_secret: str = ""

    def __str__(self) -> str:
        line = f"{self.role:<28} {self.email:<36} {self.password}"
        return f"{line}  TOTP secret: {self.totp_secret}" if self.totp_secret else line
