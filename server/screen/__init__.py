"""The big screen (数字大屏): a read-only wall display of the city's figures at ``/screen``."""
