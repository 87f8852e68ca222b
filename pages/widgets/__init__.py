"""Drawing helpers several pages share, one module each: serving (the data, model and Recommender
this session serves, the sidebar's model picker), operator (the operator password's form),
recommendations (filters, the list, its "why" panels) and refine (a song's buttons, the likes and
dislikes, the Variety, the mini playlist's set).

A package, not modules beside the pages: Streamlit treats every .py file directly in pages/ as a
page of its own when a page is the first request after the server starts.
"""
