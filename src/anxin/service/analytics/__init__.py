"""Process analytics (流程优化): where tickets wait, the response promise kept or broken, load by district."""
