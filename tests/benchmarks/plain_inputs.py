"""Baseline for the Inputs benchmark: the same widgets in plain Streamlit, nothing persisted."""

import datetime as dt

import streamlit as st

st.set_page_config(page_title="plain", layout="wide")
st.subheader("Inputs")
st.text_input("Observer", key="observer")
st.text_area("Notes", key="notes")
st.text_input("Count", key="count")  # a number typed as text, like Fieldbook's (app/numbers.py)
st.selectbox("Species", ("Oak", "Beech", "Pine", "Birch", "Maple"), key="species", index=None)
st.multiselect("Habitats", ("Forest", "Meadow", "Wetland", "Urban", "Coast"), key="habitats")
st.checkbox("Verified", key="verified")
st.radio("Weather", ("Sunny", "Cloudy", "Rain"), key="weather", horizontal=True)
st.date_input("Date observed", key="observed_on", value=None, max_value=dt.date.today())
st.time_input("Time observed", key="observed_at", value=None)
st.slider("Cover (%)", 0, 100, key="cover")
st.file_uploader("Photo", key="photo")
cols = st.columns(3)
cols[0].button("Save", key="save")
cols[1].button("Apply", key="apply")
cols[2].button("Reset", key="reset")
