"""The bureau's workspace at /staff: accounts, drafts with a second pair of eyes, documents, feedback, audit."""
