"""On-site service (上门服务): the technician's job page, moves of their own jobs, the audited address reveal."""
