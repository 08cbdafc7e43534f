"""One work order on the desk: the view, its reply editor, its image viewer and shared parts."""
