"""Case library (案例分享): solved repairs written up from completed tickets, searched in Chinese and English."""
