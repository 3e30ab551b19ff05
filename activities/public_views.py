"""Public pages: 活动预告 with sign-up, the QR check-in page, 公开承诺."""
