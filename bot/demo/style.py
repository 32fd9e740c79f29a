"""The HTML page's stylesheet: Slack's look (sidebar, messages, blocks, modals), inline so the
page needs nothing from the network."""

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.46 -apple-system,BlinkMacSystemFont,"Segoe UI",Lato,Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;background:#fff}
.app{display:flex;min-height:100vh}
.sidebar{width:260px;flex:none;background:#3f0e40;color:#cfc3cf;padding:12px 0;position:sticky;top:0;height:100vh;overflow:auto}
.ws{color:#fff;font-weight:900;font-size:18px;padding:4px 16px 12px;border-bottom:1px solid #5d2c5d}
.sb-head{font-size:13px;font-weight:700;padding:14px 16px 4px;color:#bcabbc}
.sb-item{display:flex;align-items:center;gap:8px;padding:3px 16px;color:#cfc3cf;text-decoration:none;font-size:14px;flex-wrap:wrap}
a.sb-item:hover{background:#350d36;color:#fff}
.sb-sub{width:100%;padding-left:28px;font-size:12px;color:#a48fa4;margin-top:-4px}
main{flex:1;max-width:980px;padding:0 0 48px}
.intro{padding:20px 28px;border-bottom:1px solid #ddd}
.intro h1{margin:0 0 6px;font-size:22px}
.intro p{margin:4px 0;color:#454245}.intro .sub{color:#616061;font-size:13px}
.step{padding:8px 28px 20px;border-bottom:1px solid #eee}
.step h2{font-size:18px;margin:18px 0 4px;display:flex;align-items:center;gap:10px}
.step h2 .n{display:inline-flex;align-items:center;justify-content:center;width:26px;height:26px;border-radius:50%;background:#1264a3;color:#fff;font-size:13px}
.about{margin:0 0 12px;color:#616061}
.avatar{width:36px;height:36px;border-radius:6px;color:#fff;font-weight:700;display:inline-flex;align-items:center;justify-content:center;flex:none;font-size:14px}
.avatar.small{width:20px;height:20px;border-radius:4px;font-size:10px}
.msg{display:flex;gap:10px;padding:8px 8px;border-radius:6px;margin:4px 0}
.msg:hover{background:#f8f8f8}
.msg.thread{margin-left:46px;border-left:3px solid #e0e0e0;border-radius:0 6px 6px 0}
.msg.ephemeral{background:#f4f9fd}
.msg.dm{background:#fbf7ef}
.content{flex:1;min-width:0}
.meta{display:flex;align-items:baseline;gap:6px;flex-wrap:wrap}
.name{font-weight:900}
.badge{font-size:10px;font-weight:700;background:#e8e8e8;color:#616061;padding:1px 4px;border-radius:3px}
.meta time{color:#616061;font-size:12px}
.where{color:#616061;font-size:12px;margin-left:auto}
.edited{color:#616061;font-size:12px}.pin{font-size:12px;color:#b3802a}
.only-you{font-size:12px;color:#616061;margin:2px 0}
.b-header{font-weight:900;font-size:17px;margin:4px 0}
.b-section{display:flex;gap:12px;margin:4px 0}.b-section .main{flex:1;min-width:0}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 16px;margin:6px 0}
.b-context{color:#616061;font-size:13px;display:flex;flex-wrap:wrap;gap:4px 12px;margin:4px 0}
.b-divider{border:0;border-top:1px solid #e8e8e8;margin:10px 0}
.b-actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.btn{display:inline-block;border:1px solid #c7c7c7;border-radius:4px;padding:3px 12px;font-weight:700;font-size:14px;background:#fff;color:#1d1c1d}
.btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}
.btn.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.btn.inline{padding:0 8px;font-size:13px;border-radius:12px}
.select{display:inline-block;border:1px solid #c7c7c7;border-radius:4px;padding:3px 10px;font-size:14px}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
time[title]{border-bottom:1px dotted #999}
code{font:12px Monaco,Menlo,Consolas,monospace;background:#f6f6f6;border:1px solid #e2e2e2;border-radius:3px;padding:1px 3px;color:#c01343}
pre{font:12px Monaco,Menlo,Consolas,monospace;background:#f8f8f8;border:1px solid #e2e2e2;border-radius:4px;padding:8px;white-space:pre-wrap}
s{color:#868686}
.changed{background:#fff8e1;border-radius:4px;box-shadow:-4px 0 0 #f2c744}
.removed{background:#fdecef;border-radius:4px;box-shadow:-4px 0 0 #e01e5a;text-decoration:line-through;color:#868686}
.folded{color:#868686;font-size:13px;line-height:1;margin:2px 0}
details.whole summary{font-size:12px;color:#1264a3;cursor:pointer;margin-top:6px}
.action{display:flex;gap:8px;align-items:flex-start;margin:14px 0 4px;padding:6px 10px;background:#f4f4f4;border-radius:6px;font-size:14px}
.action .what{flex:1}.action time{color:#616061;font-size:12px;margin-left:8px}
.role{font-size:12px;color:#616061}
.details{margin:4px 0 0;padding-left:18px;color:#454245}
.note{color:#616061;font-size:13px;margin:2px 0 2px 46px}
.modal-wrap{margin:8px 0 8px 46px}
.modal-label,details.modal-wrap summary{font-size:12px;color:#616061;margin-bottom:4px;cursor:pointer}
.modal{width:520px;max-width:100%;border-radius:8px;box-shadow:0 0 0 1px rgba(0,0,0,.1),0 4px 16px rgba(0,0,0,.18);background:#fff;overflow:hidden}
.modal-head{display:flex;align-items:center;gap:8px;padding:14px 18px;border-bottom:1px solid #eee;font-weight:900;font-size:18px}
.modal-head .close{margin-left:auto;color:#616061;font-weight:400}
.modal-body{padding:8px 18px;max-height:none}
.modal-foot{display:flex;justify-content:flex-end;gap:8px;padding:12px 18px;border-top:1px solid #eee}
.b-input{margin:10px 0}.b-input label{display:block;font-weight:700;font-size:14px;margin-bottom:4px}
.opt{font-weight:400;color:#616061}
.field{border:1px solid #c7c7c7;border-radius:4px;padding:6px 10px;min-height:32px;font-size:14px;white-space:pre-wrap}
.field.multiline{min-height:64px}.field.placeholder{color:#868686}
.hint{font-size:12px;color:#616061;margin-top:3px}
.error{font-size:13px;color:#e01e5a;margin-top:3px}
.choice{display:flex;align-items:center;gap:8px;font-size:14px;margin:3px 0}
.radio,.check{width:14px;height:14px;border:1px solid #868686;display:inline-block;flex:none}
.radio{border-radius:50%}.radio.on{border:4px solid #1264a3}.check.on{background:#1264a3;border-color:#1264a3}
.home{margin:8px 0 8px 46px;border:1px solid #ddd;border-radius:8px;overflow:hidden;max-width:640px}
.home-tabs{display:flex;gap:16px;padding:10px 16px;border-bottom:1px solid #eee;font-size:14px;align-items:center}
.tab{color:#616061}.tab.on{font-weight:700;color:#1d1c1d;border-bottom:2px solid #1264a3}
.home-tabs .for{margin-left:auto;font-size:12px;color:#616061}
.home-body{padding:8px 16px}
.chart{max-width:100%;border:1px solid #e2e2e2;border-radius:6px;margin:6px 0}
.file{margin:6px 0}.file figcaption{font-size:12px;color:#616061}
.file-chip{display:inline-block;border:1px solid #ddd;border-radius:6px;padding:6px 10px;margin:6px 0;font-size:13px}
.img-missing{color:#616061;font-size:13px}
.next ul{padding-left:20px}
@media (max-width:800px){.sidebar{display:none}.fields{grid-template-columns:1fr}}
"""
