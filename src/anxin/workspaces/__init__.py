"""Each role's start page: who you are, your brand, what your role may do. Later domains add their panels."""
