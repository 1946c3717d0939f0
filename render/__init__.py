"""Drawing: charts, maps, the notice and meeting pack as PDF/XLSX, number formats. No Streamlit."""
